"""The workspace's views, a module per area. Every view is wrapped in
`workspace_required` (portal/workspace/access.py); they validate, call one
service or selector, and answer."""
