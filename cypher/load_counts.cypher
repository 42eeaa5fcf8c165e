// What the graph holds: node counts per label and relationship counts per type, read from Neo4j's count
// store (instant at any size, and no warning for a type that does not exist yet). The load summary
// compares these before and after a load.
// Parameters: none
// Columns: name (a label or relationship type), kind ('node' or 'relationship'), count (int)
// Example: shopgraph cypher load_counts  ->  {name: 'Product', kind: 'node', count: 3656}, ...
CALL db.stats.retrieve('GRAPH COUNTS') YIELD data
UNWIND [node IN data.nodes WHERE node.label IS NOT NULL | {name: node.label, kind: 'node', count: node.count}]
     + [rel IN data.relationships
        WHERE rel.relationshipType IS NOT NULL AND rel.startLabel IS NULL AND rel.endLabel IS NULL
        | {name: rel.relationshipType, kind: 'relationship', count: rel.count}] AS entry
RETURN entry.name AS name, entry.kind AS kind, entry.count AS count
