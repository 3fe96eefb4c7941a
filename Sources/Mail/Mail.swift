// Mail: addresses, MIME building and encodings, DKIM. Filled by the messages issue.
