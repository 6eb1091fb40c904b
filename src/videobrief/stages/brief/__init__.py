"""The `brief` stage: headline, key points and quotes, every statement cited by timestamps
and grounded in the transcript (extractive draft or LLM draft → grounding)."""
