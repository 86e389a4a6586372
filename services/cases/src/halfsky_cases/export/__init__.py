"""CSV and XLSX export of a filtered case list, always masked."""
