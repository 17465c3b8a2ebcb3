"""A site: one series (from an events file) or several (from a site file), each with terms.

site_file tells the two kinds apart and reads SITE.yaml; merge loads every events
file and joins the terms of a series; feeds selects what a department feed holds;
budget keeps the files people open under about 1 MB; pages renders a department's HTML
and the archive pages. render/outputs.py declares every file a site has.
"""
