# Multi-stage build: a static binary (SQLite is pure Go, so CGO_ENABLED=0)
# in a minimal image running as a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/quotient ./cmd/quotient \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/quotient /usr/local/bin/quotient
COPY --from=build --chown=nonroot:nonroot /out/data /data
WORKDIR /data
VOLUME ["/data"]
ENV QUOTIENT_ADDR=0.0.0.0:8080 \
    QUOTIENT_DATABASE_URL=sqlite:///data/quotient.db \
    QUOTIENT_LOG_FORMAT=json
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/quotient"]
CMD ["serve"]
