import os

from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# Load the URLs (and the views they import) now rather than on each server process's first request,
# which would otherwise wait seconds for them; with gunicorn's --preload the master loads them once
# (and holds no database connection for its workers to inherit).
_ = get_resolver().url_patterns
connections.close_all()
