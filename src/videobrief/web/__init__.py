"""The web app: published video pages, archive search, comments, uploads, jobs and the API."""

from videobrief.web.app import create_app
from videobrief.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
