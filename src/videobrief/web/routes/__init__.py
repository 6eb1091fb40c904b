"""HTTP routes, one module per concern: pages, search, comments, uploads/jobs, admin, api."""
