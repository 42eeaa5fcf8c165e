// Load categories: creates each category by id, or updates its name. Run before load_category_parents.
// Parameters: $rows, a list of {id: string, name: string}
// Columns: none (a write)
// Writes: Category nodes.
// Example: $rows = [{id: 'home-kitchen', name: 'Home & Kitchen'}, {id: 'home-kitchen--mugs-cups', name: 'Mugs & Cups'}]
UNWIND $rows AS row
MERGE (category:Category {id: row.id})
SET category.name = row.name
