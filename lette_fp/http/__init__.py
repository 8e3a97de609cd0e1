"""Pure HTTP values: headers, URLs and queries, cookies, requests, responses, entities, errors."""
