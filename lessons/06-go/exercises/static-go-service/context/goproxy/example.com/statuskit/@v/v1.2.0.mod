module example.com/statuskit

go 1.19
