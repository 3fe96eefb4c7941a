// SMTP: connections, TLS, the client protocol, transports. Filled by the messages issue.
