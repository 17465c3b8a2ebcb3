"""A department on one site: several series (each with terms) from one site file.

site_file reads SITE.yaml; merge loads every events file and joins the terms of a
series; feeds selects and renders feeds (filters, window); pages renders the HTML;
render puts the whole site together; build writes it; live keeps it for the server.
"""
