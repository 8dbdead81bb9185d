"""The `oversight` command line: thin commands that hand off to one function each."""
