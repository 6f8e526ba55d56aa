"""The offline demo: a bundled sample site (site/, built by build_site.py) and `LocalSite`."""
