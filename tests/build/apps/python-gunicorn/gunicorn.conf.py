bind = "0.0.0.0:18009"
workers = 2
accesslog = "-"
timeout = 30
