"""Pieces of the ``calendar-feed`` command line: shared options and command groups.

Commands only parse options and print; the work is done by functions in the
package (publish.build_site, publish.preview, importing.importer, ...).
"""
