// Load the category tree: hangs each category under its parent (PARENT_OF) and drops a parent edge the
// source no longer has, so a category has at most one parent. Both categories exist already.
// Parameters: $rows, a list of {id: string, parentId: string}
// Columns: none (a write)
// Writes: PARENT_OF edges; deletes a parent edge the source no longer has.
// Example: $rows = [{id: 'home-kitchen--mugs-cups', parentId: 'home-kitchen'}]
UNWIND $rows AS row
MATCH (child:Category {id: row.id})
MATCH (parent:Category {id: row.parentId})
MERGE (parent)-[:PARENT_OF]->(child)
WITH child, parent
OPTIONAL MATCH (other:Category)-[stale:PARENT_OF]->(child)
WHERE other <> parent
DELETE stale
