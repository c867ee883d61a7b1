"""Reading: a report file in (CSV or XLSX, any platform, GBK or UTF-8), a validated table of performance out."""
