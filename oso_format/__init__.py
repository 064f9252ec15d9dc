"""The OSO format: reading and checking dossiers. Imports no Django app."""
