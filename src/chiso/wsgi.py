"""WSGI entry point: the production server's (gunicorn chiso.wsgi) and `chiso demo`'s.

It refuses to start without DEBUG and without CHISO_SECRET_KEY (`chiso.bootstrap.refuse_unsafe_start`).
"""

import os

from django.core.wsgi import get_wsgi_application

from chiso.bootstrap import refuse_unsafe_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
application = get_wsgi_application()
refuse_unsafe_start()
