# One image for every onair process; the command picks the role (api, worker, media, migrate).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# -tags nodev leaves out `onair dev`'s embedded Temporal server and Web UI (cmd/onair/dev.go):
# about 980 packages instead of 2,200, and none of them run in production.
RUN CGO_ENABLED=0 go build -trimpath -tags nodev -o /out/onair ./cmd/onair && mkdir -p /out/recordings

# The egress worker: `onair worker` with ffmpeg (Debian's package) for composite replays, and
# fonts-dejavu-core for the speakers' name labels drawn in them (media/composite.LabelFont). It
# mounts the media node's recordings volume (docker-compose: service egress). The image built
# without a target is the last stage below.
FROM debian:bookworm-slim AS egress
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/onair /usr/local/bin/onair
ENV ONAIR_LOG_FORMAT=json ONAIR_EGRESS=true ONAIR_RECORDINGS_DIR=/recordings
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/onair"]
CMD ["worker"]

# Debian slim rather than distroless: the API draws uploaded slide decks with poppler's
# pdfinfo and pdftoppm (POST /v1/sessions/:id/decks).
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends poppler-utils && rm -rf /var/lib/apt/lists/*
USER 65532:65532
COPY --from=build /out/onair /usr/local/bin/onair
# The recordings volume starts from this directory, owned by the nonroot user the node runs as.
COPY --from=build --chown=65532:65532 /out/recordings /recordings
ENV ONAIR_HTTP_ADDR=:8080 ONAIR_LOG_FORMAT=json
EXPOSE 8080 8090 9090 50000/udp 3478/udp 443
ENTRYPOINT ["/usr/local/bin/onair"]
CMD ["api"]
