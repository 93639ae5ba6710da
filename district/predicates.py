"""Who may read and change the district rules (django-rules)."""

from accounts.predicates import is_clerk, is_cppcc_leader

# The office that runs the district's setup (accounts, liaisons, the holiday calendar) keeps its rules
# too: the office clerks and the system administrator.
edits_district_rules = is_clerk
# The chair, vice chairs and secretary-general read the rules the office works by.
reads_district_rules = edits_district_rules | is_cppcc_leader
