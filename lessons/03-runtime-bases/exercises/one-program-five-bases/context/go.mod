module example.com/baseinfo

go 1.19
