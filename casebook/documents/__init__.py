"""Documents of a case: uploads, encrypted at rest, checked and scanned before they are kept."""
