"""SIECLE import in the browser (issue 15 item 8): the platform operator, and the head of a private
establishment (no national feed), upload the exports, read the dry-run report, confirm; the import
runs as a background job (Django tasks) through the same service as `manage.py import_siecle`.
URLs under /import-siecle/."""
