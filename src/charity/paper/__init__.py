"""Filling in paper forms fast: a form is laid out once by WeasyPrint with empty slots, and each copy
of it is the same drawing plus text stamped into the slots with the form's own fonts."""
