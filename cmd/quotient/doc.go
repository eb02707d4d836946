// Command quotient runs the Quotient server and its tools:
//
//	quotient serve [--demo]     start the HTTP server (migrates first)
//	quotient migrate            apply database migrations and exit
//	quotient import products FILE.csv
//	quotient import price-book-entries FILE.csv
//	quotient load --url http://127.0.0.1:8080 --token T
//	quotient version
//
// Configuration comes from flags or QUOTIENT_* environment variables; see
// README.
package main
