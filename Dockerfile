# syntax=docker/dockerfile:1
# `sprout serve` as a container: a static (musl) binary on a distroless base, run as non-root.
#   docker build -t sprout .
#   docker run --rm -p 8080:8080 sprout
# Build stage: the pinned toolchain on Alpine links a fully static binary.
FROM rust:1.95-alpine AS build
RUN apk add --no-cache musl-dev=~1
WORKDIR /src
# What `cargo build` reads: the manifest and lock, build.rs and build/ (the templates parsed at
# build time), src/, the templates, the `template new` scaffold and the support-window table
# (data/) embedded in the binary, and the bench and test targets Cargo.toml names. e2e/serve/docker_context.py builds from exactly
# these in CI.
COPY Cargo.toml Cargo.lock build.rs ./
COPY build ./build
COPY src ./src
COPY templates ./templates
COPY scaffold ./scaffold
COPY data ./data
COPY benches ./benches
COPY tests ./tests
RUN cargo build --release --locked --bin sprout \
    && cp target/release/sprout /sprout

# Run stage: no shell, no package manager; uid 65532 ("nonroot").
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /sprout /usr/local/bin/sprout
USER 65532:65532
EXPOSE 8080
# Liveness and readiness: GET /health (the image has no shell or curl to run a HEALTHCHECK).
ENTRYPOINT ["/usr/local/bin/sprout", "serve", "--listen", "0.0.0.0:8080"]
CMD ["--log-format", "json"]
