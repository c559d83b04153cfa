"""The rules of Caja. Each function takes an open ``orm.Session`` first and never commits:
the caller (an HTTP request, a CLI command, a test) owns the transaction."""
