//! Auto-pagination both ways over several pages, including a retried page.
