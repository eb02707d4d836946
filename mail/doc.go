// Package mail delivers e-mail over SMTP (net/smtp): plain, STARTTLS or
// implicit TLS, with attachments as MIME parts. Quotient queues mail in its
// outbox and a worker hands each message to a Sender.
package mail
