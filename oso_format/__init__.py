"""Reading OSO dossiers: safe parsing, XSD and business-rule validation, typed values."""
