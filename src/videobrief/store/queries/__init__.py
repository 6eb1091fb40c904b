"""The store's queries, one module per area; `Store` inherits the `…Queries` mixins defined here.

Each module holds its area's statements and a mixin of `Store` methods; the functions that
take a `Session` run inside a transaction `Store` already opened (a transcript's save writes
its entities and speakers too), those that take a `Store` open their own.
"""
