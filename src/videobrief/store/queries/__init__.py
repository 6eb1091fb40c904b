"""The store's queries, one module per area.

Most modules define a `…Queries` mixin that `Store` inherits (`VideoQueries`, `StageQueries`,
`SearchQueries`, ...). Functions that take a `Session` run inside a transaction `Store`
already holds (a transcript's save writes its video row, entities and speakers in one);
functions that take a `Store` (`batches`, `security`, `archive.headlines`) open their own.
"""
