"""/api/v1/ endpoints of the insight area: statistics, duty records, scoring rules, and the records
no other area exposed yet (workstations, reception days, contacts, duty groups and issues,
micro- and community consultations, bulletins)."""

from insight.api.records import router as records_router
from insight.api.stats import urlpatterns as stats_urlpatterns

urlpatterns = stats_urlpatterns + records_router.urls
