# One image for every onair process; the command picks the role (api, worker, migrate).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/onair ./cmd/onair

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/onair /usr/local/bin/onair
ENV ONAIR_HTTP_ADDR=:8080 ONAIR_LOG_FORMAT=json
EXPOSE 8080 9090
ENTRYPOINT ["/usr/local/bin/onair"]
CMD ["api"]
