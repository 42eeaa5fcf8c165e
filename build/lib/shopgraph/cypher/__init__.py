"""The named Cypher statements and strategy files, shipped with the package and read with importlib.resources."""
