"""Reads of the students app, one module per thing read: students, the card, dossiers, codelists."""
