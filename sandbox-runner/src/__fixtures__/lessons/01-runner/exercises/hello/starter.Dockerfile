# Runs as root: the non-root check fails on purpose.
FROM stagecraft/busybox:1.35
COPY greeting.txt /greeting.txt
CMD ["cat", "/greeting.txt"]
