package dev.gargoyle.mpi;

import dev.gargoyle.dist.CommunicationException;

/** An MPI call that returned an error; the message names the call and gives MPI's description. */
public class MpiException extends CommunicationException {
    public MpiException(String message) {
        super(message);
    }
}
