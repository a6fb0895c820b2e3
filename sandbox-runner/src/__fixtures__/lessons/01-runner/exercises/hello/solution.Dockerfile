FROM stagecraft/busybox:1.35
COPY greeting.txt /greeting.txt
USER 10001:10001
CMD ["cat", "/greeting.txt"]
