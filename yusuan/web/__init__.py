"""The public portal (`yusuan serve`): server-rendered pages, charts and a read-only JSON API
over the reports in the store (yusuan/store). docs/portal.md."""
