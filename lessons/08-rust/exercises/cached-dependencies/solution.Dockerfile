# Stage "build": rustc, cargo and the offline crate registry. Only the binary leaves this stage.
FROM stagecraft/rust:1.63 AS build
WORKDIR /app

# 1. The manifests and a placeholder main.rs: this step compiles the dependencies alone, and its
#    layer stays cached until Cargo.toml or Cargo.lock change.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src \
 && echo 'fn main() {}' > src/main.rs \
 && cargo build --release --locked

# 2. The real sources. The copied main.rs has an older timestamp than the placeholder's build, so
#    cargo would keep the placeholder binary: touch makes it compile the real one.
COPY src/ ./src/
RUN touch src/main.rs && cargo build --release --locked

# Final stage: glibc and libgcc_s for a dynamically linked Rust binary, CA certificates, the
# nonroot user (65532); no shell, no package manager.
FROM stagecraft/distroless-cc:nonroot
COPY --from=build /app/target/release/thermo /thermo
USER 65532:65532
EXPOSE 8080
# No shell and no curl here: the binary checks itself.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["/thermo", "--probe"]
ENTRYPOINT ["/thermo"]
