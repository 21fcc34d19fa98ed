# A small HTTP service with a health check, for service-container tests.
FROM dockhand-test/shell:1
RUN mkdir -p /www && echo 'hello from the dockhand web service' > /www/index.html
EXPOSE 80
HEALTHCHECK --interval=1s --timeout=3s --retries=30 CMD timeout 2 wget -q -O /dev/null http://127.0.0.1/ || exit 1
CMD ["httpd", "-f", "-p", "80", "-h", "/www"]
