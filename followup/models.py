# Reporting periods, reports and statuses arrive with the follow-up issue.
