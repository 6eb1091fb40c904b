"""The `check` stage and the checker: any text held against a transcript, claim by claim
(supported, partly supported, not found, contradicted), each verdict citing segments."""
