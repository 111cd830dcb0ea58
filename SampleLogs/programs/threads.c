/* Starts a few threads: with an executable-stack belief, glibc maps each stack RWX. */
#include <pthread.h>
#include <stdio.h>
static void *work(void *arg) { return arg; }
int main(void) {
    pthread_t t[3];
    for (int i = 0; i < 3; i++) if (pthread_create(&t[i], NULL, work, NULL) != 0) { perror("pthread_create"); return 1; }
    for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
    return 0;
}
