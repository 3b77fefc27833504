"""People pages, one module per job: the people list, search and export (people_list), a
person's pages (person), postings, batches, rotation coverage, trainings, achievements, the aid
staff's own page /me/ (me) and the log of looks at unmasked personal data (access_log); the
404 helpers they share are in common.

Personal data rules, enforced here and in the templates: an ID number or phone is shown masked
to those who may see personal data (never to the viewer, not even masked) and unmasked only to
the headquarters, one person at a time, with a reason, logged (AccessLog). Search by full ID
number is a POST (or a GET whose text is never echoed back), so the number reaches neither the
URL, nor the server's access log, nor the page.
"""
