"""Reads of the students app, one module per thing read.

- ``students``: pupils and signup groups (search, the conditions the filters and the
  group counts share, the student page);
- ``cards``: the *Vooropleiding* card, one read model for the student page, the
  ``student_card --json`` contract and the card exports;
- ``dossiers``: the archived files (versions, their diff, their exact bytes);
- ``codelists``: codelist labels.
"""
