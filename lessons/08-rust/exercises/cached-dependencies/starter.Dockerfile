# One stage: the Rust toolchain, the crate sources, the build cache and the service all ship.
FROM stagecraft/rust:1.63

WORKDIR /app
# Everything at once: an edit to src/main.rs invalidates this layer, so the next step compiles
# serde_json and every other dependency again.
COPY . .
RUN cargo build --release --locked

EXPOSE 8080
CMD ["/app/target/release/thermo"]
