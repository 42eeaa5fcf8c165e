"""The Flask web shop, its JSON API, the merchandiser dashboard and the `shopgraph` command line."""
