"""The Neo4j side of ShopGraph: the local server, the driver, named Cypher queries and repositories.

Nothing here imports Flask or TensorFlow; repositories return plain Python data.
"""
