"""Django format modules (FORMAT_MODULE_PATH): day-first date input in both languages."""
